# syntax=docker/dockerfile:1
# The trainer process (src/Trainer, docs/trainer.md): claims training requests, trains, publishes versions.
#   CPU (embedded simulator trainer, OpenAI fine-tuning):
#     docker build -f k8s/images/trainer.Dockerfile -t sotopia-trainer:dev .
#   GPU (adds the external LoRA backend's toolchain: PyTorch + PEFT and k8s/images/train-lora.py):
#     docker build -f k8s/images/trainer.Dockerfile --target trainer-gpu -t registry.example.com/sotopia/trainer-gpu:0.1.0 .

ARG TRAINING_BASE=pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet restore src/Trainer/Trainer.csproj
RUN dotnet publish src/Trainer/Trainer.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS dotnet-runtime

# The GPU trainer: a CUDA PyTorch base with the .NET runtime added, the PEFT toolchain and the LoRA-SFT command
# Trainer:External:Command points at (/opt/sotopia/train-lora, see k8s/components/production/trainer-config.json).
FROM ${TRAINING_BASE} AS trainer-gpu
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && pip install --no-cache-dir "transformers==4.46.3" "peft==0.13.2" "accelerate==1.1.1" "safetensors==0.4.5" \
    && (getent passwd 1654 >/dev/null || useradd --uid 1654 --create-home --shell /usr/sbin/nologin app)
COPY --chmod=0755 k8s/images/train-lora.py /opt/sotopia/train-lora
WORKDIR /app
COPY --from=build /app ./
USER 1654
ENV DOTNET_RUNNING_IN_CONTAINER=true HF_HOME=/tmp/hf
ENTRYPOINT ["dotnet", "SotopiaPi.Trainer.dll"]

# The CPU trainer (the default target).
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS trainer
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
ENTRYPOINT ["dotnet", "SotopiaPi.Trainer.dll"]
