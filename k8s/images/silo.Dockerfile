# syntax=docker/dockerfile:1
# The silo process (src/Silo): plays episodes, drives campaigns, serves the HTTP API on port 8080.
#   docker build -f k8s/images/silo.Dockerfile -t sotopia-silo:dev .
# Settings come from the environment (README.md "Run a cluster"); in a pod the silo listens on every interface, so
# SOTOPIA_API_TOKEN is required (k8s/base wires it from a Secret).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY data/starter/ data/starter/
COPY src/ src/
RUN dotnet restore src/Silo/Silo.csproj
RUN dotnet publish src/Silo/Silo.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /app ./
# The images' non-root user (uid 1654); the pod's securityContext runs it with a read-only root filesystem.
USER $APP_UID
# Server GC and no tiered PGO come with the build (src/SiloProcess.props, in the published runtimeconfig.json).
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "SotopiaPi.Silo.dll"]
