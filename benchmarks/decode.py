"""Decoding benchmark: frames/s and peak RSS, side by side, in one run, on a generated 60 s 1080p H.264 clip.

The baseline is the ffmpeg binary of the `imageio-ffmpeg` wheel (a dev dependency), so it runs on every machine
(`--ffmpeg PATH` names another). The clip: `--video PATH`, else the first video of `--real_dir` with a short side of
at least 1080 pixels, else one generated with that ffmpeg.

Cases (each in its own process, so peak RSS is its own):
  ffmpeg dense      `ffmpeg -i X -vf scale=-2:256 -pix_fmt rgb24 -f null -`  (the baseline)
  egonb dense       every frame, resized in the decoder to short side 256 (pyav and decord backends)
  decord 1 fps      `decord.VideoReader(X).get_batch(1 fps indices)`, full size and at 256 (baselines)
  egonb 1 fps       `open_video(X, size=256).at_fps(1)` (pyav and decord backends)
  egonb key frames  `at_fps(1, keyframes_only=True)`: the key frame nearest each second, key frames alone decoded
Goals: egonb dense >= 0.9x ffmpeg frames/s; egonb 1 fps no slower than ffmpeg decoding every frame, peak RSS <= 300 MB.

  python benchmarks/decode.py [--seconds 60] [--height 1080] [--gop 250] [--video PATH] [--cases dense]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

CASES = {
    'egonb_dense_pyav':   "r = open_video(X, 'pyav', size=256); n = sum(len(b) for b in r.iter_frames(batch_size=32))",
    'egonb_dense_decord': "r = open_video(X, 'decord', size=256); n = sum(len(b) for b in r.iter_frames(batch_size=32))",
    'decord_1fps_full':   "import decord; vr = decord.VideoReader(X); idx = [int(i * vr.get_avg_fps()) for i in range(int(len(vr) / vr.get_avg_fps()))]; n = len(vr.get_batch(idx).asnumpy())",
    'decord_1fps_256':    "import decord; vr = decord.VideoReader(X, width=456, height=256); idx = [int(i * vr.get_avg_fps()) for i in range(int(len(vr) / vr.get_avg_fps()))]; n = len(vr.get_batch(idx).asnumpy())",
    'egonb_1fps_pyav':    "n = len(open_video(X, 'pyav', size=256).at_fps(1))",
    'egonb_1fps_decord':  "n = len(open_video(X, 'decord', size=256).at_fps(1))",
    'egonb_1fps_keyframes_pyav': "n = len(open_video(X, 'pyav', size=256).at_fps(1, keyframes_only=True))",
}

def ffmpeg_exe():
    "The ffmpeg binary of the imageio-ffmpeg wheel, else one on the PATH, else None."
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError): return shutil.which('ffmpeg')

def real_video(folder, min_side=1080):
    "The first video in `folder` (sorted by name) whose short side is at least `min_side`, or None."
    import av
    for f in sorted(Path(folder).glob('*')) if folder and Path(folder).is_dir() else []:
        try:
            with av.open(str(f)) as c:
                cc = c.streams.video[0].codec_context
                if min(cc.width, cc.height) >= min_side: return f
        except (av.FFmpegError, IndexError, OSError): continue
    return None

def make_video(path, seconds, height, gop=250, ffmpeg=None):
    "A 30 fps H.264 clip (ffmpeg's moving testsrc2 pattern, about 5 Mbit/s at 1080p), or PyAV-rendered frames."
    w = height * 16 // 9
    if ffmpeg:
        subprocess.run([ffmpeg, '-v', 'error', '-y', '-f', 'lavfi', '-i', f'testsrc2=size={w}x{height}:rate=30',
                        '-t', str(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', str(gop), '-pix_fmt', 'yuv420p', str(path)], check=True)
        return
    import av, numpy as np
    with av.open(str(path), 'w') as o:
        s = o.add_stream('libx264', rate=30, options=dict(preset='veryfast', crf='23', g=str(gop))); s.width, s.height, s.pix_fmt = w, height, 'yuv420p'
        rng = np.random.default_rng(0); base = rng.integers(0, 255, (height, w, 3), np.uint8)
        for i in range(seconds * 30):
            for p in s.encode(av.VideoFrame.from_ndarray(np.roll(base, 8 * i, axis=1), format='rgb24')): o.mux(p)
        for p in s.encode(): o.mux(p)

def run_measured(cmd):
    "Run `cmd`; return (seconds, peak RSS MB, stdout) of that child alone (os.wait4 gives its own rusage)."
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = p.stdout.read(); err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode: raise RuntimeError(f'{cmd[:3]} failed: {err[-500:]}')
    return time.perf_counter() - t, ru.ru_maxrss / 1024, out

def py_case(code, video):
    prog = f"import time\nfrom egonb.decode import open_video\nX = {str(video)!r}\nt = time.perf_counter()\n{code}\nprint(n, time.perf_counter() - t)"
    _, rss, out = run_measured([sys.executable, '-c', prog])
    n, secs = out.split()[-2:]
    return int(n), float(secs), rss

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seconds', type=int, default=60); ap.add_argument('--height', type=int, default=1080)
    ap.add_argument('--video', default=None, help='benchmark this file instead of generating one')
    ap.add_argument('--gop', type=int, default=250, help='frames between key frames of the generated clip (30: phone-like)')
    ap.add_argument('--real_dir', default='/work/shared/testdata/real', help='look here for a real video of >= 1080p first')
    ap.add_argument('--ffmpeg', default=None, help='the baseline ffmpeg binary (default: imageio-ffmpeg\'s)')
    ap.add_argument('--cases', default='all', help='all, or dense: ffmpeg and egonb dense decoding only')
    a = ap.parse_args()
    ffmpeg = a.ffmpeg or ffmpeg_exe()
    tmp = Path(tempfile.mkdtemp(prefix='egonb-bench-'))
    video = Path(a.video) if a.video else real_video(a.real_dir)
    if video is None:
        video = tmp / f'bench_{a.height}p_{a.seconds}s.mp4'
        print(f'generating {video.name} ...', flush=True); make_video(video, a.seconds, a.height, a.gop, ffmpeg)
    print(f'ffmpeg: {ffmpeg}; load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs')
    from egonb.decode import open_video
    m = open_video(video, 'pyav').meta
    print(f'video: {m.width}x{m.height}, {m.fps:g} fps, {m.num_frames} frames, {m.duration:.1f} s, {video.stat().st_size/1e6:.1f} MB\n')
    rows = {}
    if ffmpeg:
        secs, rss, _ = run_measured([ffmpeg, '-v', 'error', '-i', str(video), '-vf', 'scale=-2:256', '-pix_fmt', 'rgb24', '-f', 'null', '-'])
        rows['ffmpeg_dense'] = (m.num_frames, secs, rss)
    else: print('NOTE: no ffmpeg (pip install imageio-ffmpeg): the ffmpeg baseline is skipped\n')
    for k, code in CASES.items():
        if a.cases == 'all' or k.startswith('egonb_dense'): rows[k] = py_case(code, video)
    base = rows.get('ffmpeg_dense')
    print(f'{"case":20} {"frames":>7} {"seconds":>8} {"frames/s":>9} {"vs ffmpeg fps":>13} {"time vs ffmpeg":>14} {"peak RSS MB":>12}')
    for k, (n, secs, rss) in rows.items():
        rel = f'{(n/secs)/(base[0]/base[1]):.2f}x' if base else '-'
        trel = f'{secs/base[1]:.2f}x' if base else '-'
        print(f'{k:20} {n:>7} {secs:>8.2f} {n/secs:>9.1f} {rel:>13} {trel:>14} {rss:>12.0f}')
    if base:
        for be in ('pyav', 'decord'):
            d, f1 = rows[f'egonb_dense_{be}'], rows.get(f'egonb_1fps_{be}')
            r = (d[0] / d[1]) / (base[0] / base[1])
            print(f"\n[{be}] goal dense >= 0.9x ffmpeg frames/s: {r:.2f}x  {'MET' if r >= 0.9 else 'MISSED'}")
            if f1 is None: continue
            print(f"[{be}] goal 1 fps no slower than ffmpeg dense: {f1[1]:.2f}s vs {base[1]:.2f}s  {'MET' if f1[1] <= base[1] else 'MISSED'}")
            print(f"[{be}] goal 1 fps peak RSS <= 300 MB: {f1[2]:.0f} MB  {'MET' if f1[2] <= 300 else 'MISSED'}")
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__': main()
