"""The words the search benchmarks write their generated readouts and quotes with: agreed-action
sentences in English and Japanese, as the ministry's readouts phrase them."""

from __future__ import annotations

import random
import zoneinfo

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

TOPICS = [
    "supply chain resilience", "critical minerals", "maritime security", "cyber defence",
    "clean energy transition", "semiconductor research", "pandemic preparedness",
    "export controls", "space cooperation", "disaster relief", "people-to-people exchange",
    "digital trade rules", "food security", "nuclear non-proliferation", "quality infrastructure",
]  # fmt: skip
OPENINGS = [
    "The two ministers confirmed their commitment to", "The two leaders concurred to",
    "Both sides reaffirmed their resolve to", "The ministers welcomed efforts to",
    "The two ministers agreed to continue to", "They shared the view on the need to",
]  # fmt: skip
ACTIONS = [
    "strengthen cooperation on", "deepen coordination on", "advance work on",
    "hold regular consultations on", "expand support for", "accelerate progress on",
]  # fmt: skip
JA_SENTENCES = [
    "両大臣は、対露制裁を着実に実施することを確認した。",
    "両大臣は、北朝鮮の完全な非核化に向けて緊密に連携していくことで一致した。",
    "両大臣は、日米同盟の抑止力・対処力を一層強化していくことを確認した。",
    "両大臣は、{topic}に関する協力を強化することで一致した。",
]
JA_TOPICS = ["重要鉱物", "サプライチェーン", "海洋安全保障", "サイバー", "宇宙", "食料安全保障"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(OPENINGS)} {rng.choice(ACTIONS)} {rng.choice(TOPICS)}."


def ja_sentence(rng: random.Random, sentences: list[str] = JA_SENTENCES) -> str:
    return rng.choice(sentences).format(topic=rng.choice(JA_TOPICS))
