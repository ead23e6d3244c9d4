"""Language models behind an OpenAI-compatible chat server (Ollama, llama.cpp's server, vLLM,
``transformers serve``): a coder that follows a codebook, usable alone or as a second opinion on
the utterances the fast classifier is unsure of; and a namer that phrases the synthesis'
candidates in plain words."""

from nlp_jtbd.llm.client import ChatClient, Reply
from nlp_jtbd.llm.coder import LLMCoder, LLMCoding, second_opinion
from nlp_jtbd.llm.namer import LLMNamer
from nlp_jtbd.llm.prompt import parse_label

__all__ = [
    "ChatClient",
    "LLMCoder",
    "LLMCoding",
    "LLMNamer",
    "Reply",
    "parse_label",
    "second_opinion",
]
