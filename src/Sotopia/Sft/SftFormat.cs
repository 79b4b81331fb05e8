namespace SotopiaPi.Sotopia.Sft;

/// <summary>JSONL layouts of an exported dataset, one example per line.</summary>
public enum SftFormat
{
    /// <summary><c>{"messages":[{"role":"user","content":prompt},{"role":"assistant","content":output}]}</c> — what
    /// OpenAI fine-tuning and TRL's SFT trainer read.</summary>
    Chat = 0,

    /// <summary><c>{"instruction":"","input":prompt,"output":output}</c> — LLaMA-Factory's alpaca layout, as
    /// SOTOPIA-π exported.</summary>
    Alpaca = 1,
}
