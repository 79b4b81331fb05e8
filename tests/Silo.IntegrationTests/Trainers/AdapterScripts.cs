namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>Bash stand-ins for a LoRA-SFT command. Each records its arguments (one per line) in the file named by
/// <c>$RECORD</c> and finds its output folder after <c>--output</c>.</summary>
internal static class AdapterScripts
{
    private const string Prologue = """
        set -euo pipefail
        printf '%s\n' "$@" > "$RECORD"
        out=""
        prev=""
        for a in "$@"; do
          if [ "$prev" = "--output" ]; then out="$a"; fi
          prev="$a"
        done

        """;

    private const string WriteValidAdapter = """
        cat > "$out/adapter_config.json" <<JSON
        {"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 8, "lora_alpha": 32, "lora_dropout": 0.1,
         "target_modules": ["q_proj", "v_proj"], "base_model_name_or_path": "mistralai/Mistral-7B-Instruct-v0.1"}
        JSON
        header='{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]}}'
        n=${#header}
        printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x00\\x00\\x00\\x00' $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) $(((n >> 24) & 255)))" > "$out/adapter_model.safetensors"
        printf '%s' "$header" >> "$out/adapter_model.safetensors"
        head -c 32 /dev/zero >> "$out/adapter_model.safetensors"

        """;

    /// <summary>Prints epoch lines (one on stderr) and writes a valid PEFT LoRA adapter.</summary>
    public const string Valid = Prologue + """
        echo "loading dataset"
        echo "epoch 1/2: loss 1.25"
        echo "{'loss': 0.61, 'learning_rate': 2.5e-05, 'epoch': 2.0}" >&2
        """ + "\n" + WriteValidAdapter + "echo done\n";

    /// <summary>Writes a config without peft_type and no weights.</summary>
    public const string Invalid = Prologue + """
        echo "epoch 1/1"
        echo '{"r": 8, "lora_alpha": 32, "target_modules": ["q_proj"], "base_model_name_or_path": "m"}' > "$out/adapter_config.json"
        echo done
        """;

    /// <summary>Fails with exit code 3 after an error line.</summary>
    public const string Failing = Prologue + """
        echo "CUDA out of memory. Tried to allocate 2.00 GiB" >&2
        exit 3
        """;

    /// <summary>Touches <c>$MARKERS/started.&lt;pid&gt;</c>, waits until <c>$MARKERS/go</c> exists, then writes a valid adapter.</summary>
    public const string Blocking = Prologue + """
        touch "$MARKERS/started.$$"
        echo "epoch 1/2: waiting for the go signal"
        while [ ! -f "$MARKERS/go" ]; do sleep 0.05; done
        """ + "\n" + WriteValidAdapter + "echo done\n";

    /// <summary>Writes <paramref name="script"/> to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, string script)
    {
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + script);
        return path;
    }
}
