"""Captioning on CPU: Whisper transcription speed, and what batching buys the generic generation path, in one run.

1. faster-whisper tiny.en (the bundled real model) on the sample clips: load time, seconds per clip, x real time.
2. The same Whisper tiny.en architecture through transformers (random weights, forced to generate as many tokens)
   vs faster-whisper on the same audio: the reason faster-whisper is the CPU default.
3. Image captions through the generic path with a tiny random Qwen2-VL: frames/s at batch 1 vs batch 8.

  python benchmarks/caption.py
"""
import os, tempfile, time
os.environ.setdefault('EGONB_OFFLINE', '1')
from pathlib import Path
import numpy as np, torch
from egonb.data import load_specs, sample_dir
from egonb.decode import load_audio, open_video
from egonb.audio import load_whisper, transcribe, bundled_whisper
from egonb.generate import load_generator
from egonb.testing import make_tiny_vlm
from egonb.image import caption_images

def timed(f, *a, **k):
    t0 = time.perf_counter(); r = f(*a, **k); return r, time.perf_counter() - t0

def whisper_real(clips):
    wm, t_load = timed(load_whisper)
    print(f'faster-whisper tiny.en (bundled, int8): load {t_load:.2f} s')
    print(f'{"clip":34} {"audio s":>7} {"compute s":>9} {"x real time":>11}  text')
    for v in clips:
        y = load_audio(v, 16000); tr, s = timed(transcribe, y, wm, language='en')
        print(f'{v.name:34} {len(y) / 16000:7.1f} {s:9.2f} {len(y) / 16000 / s:10.1f}x  {tr.text[:50]!r}')
    return wm

def whisper_hf_vs_ct2(wm, y):
    from transformers import WhisperConfig, WhisperForConditionalGeneration, WhisperProcessor, WhisperFeatureExtractor, WhisperTokenizerFast
    tk = WhisperTokenizerFast(tokenizer_file=str(bundled_whisper()/'tokenizer.json'))
    cfg = WhisperConfig(vocab_size=51864, d_model=384, encoder_layers=4, decoder_layers=4, encoder_attention_heads=6, decoder_attention_heads=6,
                        encoder_ffn_dim=1536, decoder_ffn_dim=1536, decoder_start_token_id=50257, eos_token_id=50256, pad_token_id=50256)
    torch.manual_seed(0); m = WhisperForConditionalGeneration(cfg).eval()
    x = WhisperProcessor(WhisperFeatureExtractor(), tk)(y[:30 * 16000], sampling_rate=16000, return_tensors='pt').input_features
    segs = list(wm.transcribe(y[:30 * 16000], language='en', beam_size=1, vad_filter=False, without_timestamps=True)[0])   # warm-up
    t0 = time.perf_counter(); segs = list(wm.transcribe(y[:30 * 16000], language='en', beam_size=1, vad_filter=False, without_timestamps=True)[0]); ct2 = time.perf_counter() - t0
    n = max(1, sum(len(s.tokens) for s in segs))
    with torch.inference_mode():
        m.generate(x, min_new_tokens=4, max_new_tokens=4)      # warm-up
        _, hf = timed(m.generate, x, min_new_tokens=n, max_new_tokens=n)
    print(f'\none 30 s window, greedy, the same {n} tokens: transformers Whisper tiny.en-size (fp32) {hf:.2f} s | faster-whisper tiny.en (int8) {ct2:.2f} s'
          f' -> faster-whisper {hf / ct2:.1f}x faster')

def vlm_batching(frames):
    g = load_generator(make_tiny_vlm(Path(tempfile.mkdtemp())/'q', 'qwen2_vl'), device='cpu')
    caption_images(g, frames[:2], batch_size=2, max_new_tokens=16)   # warm-up
    res = {}
    for bs in (1, 8):
        _, s = timed(caption_images, g, frames, batch_size=bs, max_new_tokens=16)
        res[bs] = len(frames) / s
    print(f'\ntiny Qwen2-VL image captions, {len(frames)} frames, 16 tokens: batch 1 {res[1]:.1f} frames/s, batch 8 {res[8]:.1f} frames/s ({res[8] / res[1]:.2f}x)')

def main():
    torch.set_num_threads(os.cpu_count())
    specs = load_specs(); clips = [sample_dir()/'v2'/'clips'/f'{s.clip_uid}.mp4' for s in specs]
    wm = whisper_real(clips)
    whisper_hf_vs_ct2(wm, np.concatenate([load_audio(v, 16000) for v in clips[:2]]))
    frames = np.concatenate([open_video(v, size=224).uniform(8).data for v in clips[:2]])
    vlm_batching(list(frames))

if __name__ == '__main__': main()
