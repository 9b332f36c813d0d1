"""Writes the TokenizationTests fixtures from Hugging Face's BertTokenizerFast (hand-run).

    HF_HUB_OFFLINE=1 /root/.venvs/micse-bench/bin/python Tests/TokenizationTests/Fixtures/make_tokenizer_fixtures.py

Reference: transformers BertTokenizerFast over tokenizers (Rust) BertNormalizer, BertPreTokenizer,
WordPiece and TemplateProcessing; the pure-Python BertTokenizer (BertTokenizerLegacy in transformers
5.x) is run beside it and its disagreements are recorded (the fixtures follow the fast one).
Vocabulary: all-MiniLM-L6-v2's vocab.txt (= bert-base-uncased's), copied here as vocab.txt.

Writes (next to this script):
  vocab.txt                 the vocabulary (30,522 tokens)
  cases.json                ids for sampled real tweets and hand-written hard cases, in the settings
                            uncased (untruncated, max_length 32, 128) and cased (do_lower_case=False;
                            max_length 32, 128); plus one padded batch (ids, attention mask, type ids)
  tweet_ids_<csv>.txt       every tweet of each shared CSV, uncased, max_length 128: one line per tweet,
                            "<length> <fnv1a32>" where fnv1a32 is FNV-1a (32-bit) over the ids as
                            little-endian int32 bytes, 8 hex digits
  codepoints.txt            what BertNormalizer (uncased and cased) and BertPreTokenizer do to every
                            Unicode scalar alone (run-length coded, see write_codepoints)
  json_only/tokenizer.json  a tokenizer.json-only model: the first 3,000 tokens of the vocabulary,
                            cased with strip_accents=True, saved by tokenizers itself
  json_only_cases.json      ids of that tokenizer for the hard cases and some tweets
  added/                    a model directory (config.json, tokenizer.json, tokenizer_config.json) whose
                            tokenizer has added tokens beyond the vocabulary: normalised ones
                            (add_tokens) and a special one (additional_special_tokens), saved by
                            save_pretrained; vocab.txt and added_tokens.json beside them as transformers 4
                            wrote them
  added_cases.json          AutoTokenizer ids of that directory for texts that contain them

Run only the added-tokens part:  ... make_tokenizer_fixtures.py added
"""
import csv
import json
import os
import random
import shutil
import sys
import unicodedata
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tokenizers
import transformers
from tokenizers import normalizers, pre_tokenizers
from transformers import BertTokenizerFast
from transformers.models.bert.tokenization_bert import load_vocab

try:
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowTokenizer
except ImportError:
    from transformers import BertTokenizer as SlowTokenizer

HERE = Path(__file__).resolve().parent
MODEL = Path(os.environ.get("MICSE_MODEL", "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2"))
DATA = HERE.parents[3] / "shared" / "data"
CSVS = ["tweet_eval_sentiment_test.csv", "tweet_eval_sentiment_val.csv", "tweet_eval_emotion_train.csv",
        "tweet_eval_hate_train.csv"]

HARD = [
    "", " ", "   \t\n  ", "\n", "\t\t", "\u3000", "\u00a0", "a\u00a0b",
    "Hello, World!", "HELLO world", "hElLo WoRlD", "don't stop-believing...", "e-mail: a.b@c.com",
    "https://t.co/AbC123?x=1&y=2#frag", "@user #hashtag $100 50% 3.14 1,000,000",
    "Café résumé naïve façade Ångström Über", "ÀÁÂÃÄÅ àáâãäå Çç Ññ Øø ß ẞ",
    "e\u0301 a\u0300 o\u0308 n\u0303 (combining)", "\u0041\u030a vs \u00c5", "Zalgo: Z\u0351\u0300\u0334a\u0317l\u0358g\u0315o",
    "Ελληνικά ΣΟΦΙΑ σοφία ΟΔΟΣ", "Русский текст ЁЛКА ёлка", "İstanbul ıi İI", "ǅ ǈ ǋ ǲ",
    "😀😃😄 emoji 👍🏽 👨‍👩‍👧‍👦 🇺🇸 ❤️ ✨", "🫠🫨 new emoji", "I ❤ NY ☺ ♥ ★",
    "中文字符测试", "日本語のテキスト、カタカナ。", "한국어 텍스트 입니다", "中a文b字",
    "ภาษาไทย สวัสดี", "العربية مرحبا بالعالم", "עברית שלום", "हिन्दी नमस्ते दुनिया", "বাংলা", "தமிழ்",
    "ﬁ ﬂ ﬃ ligatures", "Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ　１２３！", "①②③ ⅷ Ⅻ", "x² H₂O ½ ™ ©",
    "zero\u200bwidth\u200cjoiner\u200dmark\ufeffbom", "soft\u00adhyphen", "rtl\u200fmark\u200eltr",
    "control\x00chars\x01\x02\x07\x1b\x7f here", "vt\x0bff\x0cfs\x1cgs\x1d", "nel\u0085ls\u2028ps\u2029end",
    "replacement \ufffd char", "private \ue000 use \U000f0000", "unassigned \u0378 \U0003ffff",
    "tab\tseparated\tvalues", "line1\nline2\r\nline3\rline4",
    "a" * 99, "b" * 100, "c" * 101, "é" * 100, "é" * 101, "x" * 100 + "!" + "y" * 101,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "[SEP]", "[CLS]", "[UNK]", "[PAD]", "[MASK]", "hello[SEP]world", "a [SEP] b [CLS] c",
    "[sep] [Sep] [ SEP ]", "[[SEP]]", "[SEP[SEP]]", "x[UNK]y", "[MASK]ed", "[CLS][CLS][CLS]",
    "!!!???...", "—–-‒― “quotes” ‘single’ «guillemets» „low“", "¿Qué? ¡Sí!", "…", "·•‣◦",
    "#️⃣ keycap", "\u0300 leading combining", "\u0600\u0601 arabic number sign", "\U000e0001\U000e0041 tags",
    "\U0002B820 \U0002B920 \U00020000 \U0002F800 \uF900 \u3400", "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "𐐀𐐨 deseret",
    "ΐ ΰ ǰ ẖ ẗ ẘ ẙ ẚ", "Kelvin K ohm Ω angstrom Å", "ﾊﾝｶｸ ｶﾀｶﾅ", "ㄱㄴㄷ ᄀᄁ", "가각갂 힣",
    "mixed 中文 and English with emoji 😂 and accents é", "    leading and trailing    ",
    "word " * 40, "lorem ipsum " * 30, "The quick brown fox jumps over the lazy dog. " * 5,
    "a\u0301\u0302\u0303\u0304\u0305b", "\u1e9b\u0323", "\u1100\u1161\u11a8", "\u00b5 \u03bc \u212b",
]


def fnv1a32(ids):
    h = 0x811C9DC5
    for i in ids:
        for b in int(i).to_bytes(4, "little", signed=True):
            h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = header.index("text")
    return [r[col] for r in rows[1:]]


def main():
    vocab = dict(load_vocab(str(MODEL / "vocab.txt")))
    shutil.copyfile(MODEL / "vocab.txt", HERE / "vocab.txt")
    fast = {"uncased": BertTokenizerFast(vocab=vocab, do_lower_case=True),
            "cased": BertTokenizerFast(vocab=vocab, do_lower_case=False)}
    slow = {"uncased": SlowTokenizer(vocab_file=str(MODEL / "vocab.txt"), do_lower_case=True),
            "cased": SlowTokenizer(vocab_file=str(MODEL / "vocab.txt"), do_lower_case=False)}
    assert fast["uncased"].vocab_size == 30522

    # Real tweets: 75 seeded samples from each CSV, plus every tweet in tweet_ids_*.txt.
    rng = random.Random(20240611)
    tweets = []
    for name in CSVS:
        texts = read_csv(DATA / name)
        tweets += [texts[i] for i in sorted(rng.sample(range(len(texts)), 75))]
        lines = []
        for ids in fast["uncased"](texts, truncation=True, max_length=128)["input_ids"]:
            lines.append(f"{len(ids)} {fnv1a32(ids):08x}")
        (HERE / f"tweet_ids_{name.removesuffix('.csv')}.txt").write_text("\n".join(lines) + "\n")
        print(name, len(texts), "tweets", file=sys.stderr)

    settings = [("uncased", None), ("uncased", 32), ("uncased", 128), ("cased", 32), ("cased", 128)]
    cases, disagreements = [], []
    for kind, text in [("hard", t) for t in HARD] + [("tweet", t) for t in tweets]:
        record = {"kind": kind, "text": text, "ids": {}}
        for config, length in settings:
            key = config if length is None else f"{config}_{length}"
            args = {} if length is None else {"truncation": True, "max_length": length}
            ids = fast[config](text, **args)["input_ids"]
            record["ids"][key] = ids
            if slow[config](text, **args)["input_ids"] != ids:
                disagreements.append({"setting": key, "text": text})
        if kind == "hard":
            record["tokens_uncased"] = fast["uncased"].convert_ids_to_tokens(record["ids"]["uncased"])
        cases.append(record)
    batch_texts = tweets[:16] + HARD[:4]
    batch = fast["uncased"](batch_texts, truncation=True, max_length=32, padding="longest")
    out = {
        "reference": f"transformers {transformers.__version__} BertTokenizerFast, tokenizers {tokenizers.__version__}",
        "vocabulary": "all-MiniLM-L6-v2 vocab.txt (bert-base-uncased)",
        "settings": {"uncased": "do_lower_case=True (strip_accents follows)", "cased": "do_lower_case=False"},
        "cases": cases,
        "padded_batch": {"texts": batch_texts, "max_length": 32, "padding": "longest",
                         "input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
                         "token_type_ids": batch["token_type_ids"]},
        "slow_tokenizer_disagreements": disagreements,
    }
    (HERE / "cases.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(len(cases), "cases;", len(disagreements), "slow/fast disagreements", file=sys.stderr)
    for d in disagreements[:20]:
        print("  slow differs:", d["setting"], repr(d["text"][:60]), file=sys.stderr)

    write_codepoints()
    write_json_only(vocab, tweets[:60])


def write_codepoints():
    """Every scalar alone through BertNormalizer (uncased: lowercase + strip accents; cased: neither;
    both with clean_text and handle_chinese_chars) and BertPreTokenizer (w = part of a word,
    p = a word of its own, s = separator, removed).

    Lines: "<first> <last> <uncased> <cased> <pretok>" (hex code points), a run of consecutive scalars
    whose outputs follow the same pattern. An output is "-" (nothing) or space-separated items, each
    "c" (the scalar itself), "c+N"/"c-N" (the scalar plus/minus hex N) or a fixed hex scalar.
    Scalars not listed map to themselves and are part of a word.
    """
    uncased = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    cased = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    pre = pre_tokenizers.BertPreTokenizer()

    def pattern(cp, text):
        if text == "":
            return "-"
        items = []
        for ch in text:
            d = ord(ch) - cp
            items.append("c" if d == 0 else (f"c+{d:x}" if 0 < d < 64 else (f"c-{-d:x}" if -64 < d < 0 else f"{ord(ch):x}")))
        return " ".join(items)

    runs = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        pieces = pre.pre_tokenize_str("a" + c + "a")
        pt = "p" if len(pieces) == 3 else ("s" if len(pieces) == 2 and pieces[0][0] == "a" and pieces[1][0] == "a" else "w")
        row = (pattern(cp, uncased.normalize_str(c)), pattern(cp, cased.normalize_str(c)), pt)
        if row == ("c", "c", "w"):
            continue
        if runs and runs[-1][1] == cp - 1 and runs[-1][2] == row:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, row])
    lines = [f"{a:x}\t{b:x}\t{r[0]}\t{r[1]}\t{r[2]}" for a, b, r in runs]
    (HERE / "codepoints.txt").write_text(
        f"# BertNormalizer/BertPreTokenizer per scalar, tokenizers {tokenizers.__version__}; see make_tokenizer_fixtures.py\n"
        + "\n".join(lines) + "\n")
    print(len(runs), "code point runs", file=sys.stderr)


def write_json_only(vocab, tweets):
    small = {t: i for t, i in vocab.items() if i < 3000}
    tok = BertTokenizerFast(vocab=small, do_lower_case=False, strip_accents=True)
    folder = HERE / "json_only"
    folder.mkdir(exist_ok=True)
    tok.backend_tokenizer.save(str(folder / "tokenizer.json"))
    texts = HARD + tweets
    ids = tok(texts, truncation=True, max_length=128)["input_ids"]
    (HERE / "json_only_cases.json").write_text(json.dumps(
        {"reference": f"transformers {transformers.__version__} BertTokenizerFast(vocab=first 3000 tokens, "
                      f"do_lower_case=False, strip_accents=True), max_length 128",
         "cases": [{"text": t, "ids": i} for t, i in zip(texts, ids)]}, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_added(vocab):
    """A tokenizer with tokens added after training, as a user who fine-tuned a model has: two
    normalised ones (matched after lower-casing) and one special (matched literally)."""
    from transformers import AutoTokenizer
    small = {t: i for t, i in vocab.items() if i < 3000}
    tok = BertTokenizerFast(vocab=small)
    tok.add_tokens(["covid19", "Zoomer", "naïve-bayes"])
    tok.add_special_tokens({"additional_special_tokens": ["<ent>"]})
    # Tokens that match only as whole words (single_word), raw and normalised: tokenizer.json only.
    from tokenizers import AddedToken
    tok.add_tokens([AddedToken("NewTok", normalized=False, single_word=True, lstrip=True), AddedToken("qq", single_word=True)])
    folder = HERE / "added"
    shutil.rmtree(folder, ignore_errors=True)
    tok.save_pretrained(str(folder))
    for extra in set(os.listdir(folder)) - {"tokenizer.json", "tokenizer_config.json"}:
        os.remove(folder / extra)
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "vocab_size": len(tok)}) + "\n")
    (folder / "vocab.txt").write_text("".join(t + "\n" for t, _ in sorted(small.items(), key=lambda x: x[1])))
    # transformers 4's layout cannot say single_word: the two whole-word tokens are left out of it.
    (folder / "added_tokens.json").write_text(json.dumps({"covid19": 3000, "Zoomer": 3001, "naïve-bayes": 3002,
                                                          "<ent>": 3003}, ensure_ascii=False) + "\n")
    loaded = AutoTokenizer.from_pretrained(str(folder))
    texts = ["I had covid19 last year", "the Zoomer said <ent> hi", "COVID19 zoomer ZOOMER", "xcovid19y",
             "<ent><ent> <ENT> < ent >", "Naïve-Bayes and naive-bayes and NAÏVE-BAYES", "covid1 covid19covid19",
             "[CLS] covid19 [SEP]", "Zoomers zoomer's", "",
             "NewTok xNewTok NewTokx (NewTok) NewTok_ éNewTok NewTok!", "qq xqq qqx QQ qq_ (qq) qqqq", "中qq qq中 qq."] + HARD[:40]
    ids = loaded(texts, truncation=True, max_length=128)["input_ids"]
    (HERE / "added_cases.json").write_text(json.dumps(
        {"reference": f"transformers {transformers.__version__} AutoTokenizer ({type(loaded).__name__}) of added/, max_length 128",
         "cases": [{"text": t, "ids": i} for t, i in zip(texts, ids)]}, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["added"]:
        write_added(load_vocab(str(HERE / "vocab.txt")))
    else:
        main()
        write_added(load_vocab(str(HERE / "vocab.txt")))
