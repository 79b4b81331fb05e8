#!/usr/bin/env python3
"""LoRA supervised fine-tuning for the trainer's external backend (Trainer:External:Command).

Reads a round's chat JSONL (one {"messages": [...]} per line, the last message the assistant's answer), trains a
PEFT LoRA adapter on the answers only (prompt tokens are masked), optionally continuing from the previous round's
adapter, and writes adapter_config.json + adapter_model.safetensors into --output, which the trainer validates,
publishes and hot-loads into vLLM. Runs in the trainer-gpu image (k8s/images/trainer.Dockerfile).
"""
import argparse
import json
import os
import random
import sys
import tempfile


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-model", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--base-adapter", default="")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--learning-rate", type=float, default=5e-5)
    p.add_argument("--lora-r", type=int, default=8)
    p.add_argument("--lora-alpha", type=int, default=32)
    p.add_argument("--lora-dropout", type=float, default=0.1)
    p.add_argument("--target-modules", default="q_proj,v_proj")
    p.add_argument("--lr-scheduler", default="cosine")
    p.add_argument("--warmup-ratio", type=float, default=0.03)
    p.add_argument("--max-length", type=int, default=4096)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log", default="")
    return p.parse_args()


def read_examples(path):
    examples = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                messages = json.loads(line)["messages"]
            except (ValueError, KeyError) as e:
                sys.exit(f"{path}:{number}: not a chat example ({e})")
            if not messages or messages[-1].get("role") != "assistant":
                sys.exit(f"{path}:{number}: messages: the last message must be the assistant's answer")
            examples.append(messages)
    if not examples:
        sys.exit(f"{path}: no training examples")
    return examples


def main():
    args = parse_args()
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(args.base_model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    def encode(messages):
        prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        answer_ids = tokenizer(messages[-1]["content"], add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
        # Keep the answer whole; cut the prompt from the left (its oldest history) when too long.
        prompt_ids = prompt_ids[-max(1, args.max_length - len(answer_ids)):]
        ids = prompt_ids + answer_ids
        return {"input_ids": ids, "labels": [-100] * len(prompt_ids) + answer_ids}

    data = [encode(m) for m in read_examples(args.dataset)]

    def collate(batch):
        width = max(len(b["input_ids"]) for b in batch)
        pad = lambda xs, v: xs + [v] * (width - len(xs))
        return {
            "input_ids": torch.tensor([pad(b["input_ids"], tokenizer.pad_token_id) for b in batch]),
            "labels": torch.tensor([pad(b["labels"], -100) for b in batch]),
            "attention_mask": torch.tensor([pad([1] * len(b["input_ids"]), 0) for b in batch]),
        }

    model = AutoModelForCausalLM.from_pretrained(args.base_model, torch_dtype=torch.bfloat16, device_map="auto")
    if args.base_adapter:
        model = PeftModel.from_pretrained(model, args.base_adapter, is_trainable=True)
    else:
        model = get_peft_model(model, LoraConfig(
            r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
            target_modules=[m.strip() for m in args.target_modules.split(",") if m.strip()], task_type="CAUSAL_LM"))

    os.makedirs(args.output, exist_ok=True)
    trainer = Trainer(
        model=model,
        train_dataset=data,
        data_collator=collate,
        args=TrainingArguments(
            output_dir=tempfile.mkdtemp(prefix="train-lora-"), num_train_epochs=args.epochs, learning_rate=args.learning_rate,
            lr_scheduler_type=args.lr_scheduler, warmup_ratio=args.warmup_ratio, per_device_train_batch_size=1,
            gradient_accumulation_steps=8, bf16=True, logging_steps=10, save_strategy="no", report_to=[], seed=args.seed,
            remove_unused_columns=False),
    )
    result = trainer.train()
    model.save_pretrained(args.output, safe_serialization=True)
    summary = {"examples": len(data), "epochs": args.epochs, "train_loss": result.training_loss}
    print(json.dumps(summary))
    if args.log:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
