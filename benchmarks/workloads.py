"""Workloads the Ray benchmarks share: copies of the sample clips under distinct names, and an Ego4D root with the
NLQ queries of those copies."""
import copy, shutil
from egonb.files import load_json
from egonb.data import sample_dir
from egonb.features import select_videos

def workload(n, d):
    "`n` videos in folder `d`: the sample clips copied under distinct names."
    src = select_videos(sample_dir())
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n): shutil.copy(src[i % len(src)], d/f'{i:02d}_{src[i % len(src)].name}')
    return select_videos(d)

def aks_workload(n, d):
    "An Ego4D root under `d` with `n` clips (copies of the sample clips) and the NLQ dict of their queries."
    nlq = load_json(sample_dir()/'v2'/'annotations'/'nlq_val.json')
    clips = [(v, c) for v in nlq['videos'] for c in v['clips']]
    (d/'v2'/'clips').mkdir(parents=True, exist_ok=True)
    videos = []
    for i in range(n):
        v, c = copy.deepcopy(clips[i % len(clips)])
        uid = f"{i:02d}-{c['clip_uid']}"
        shutil.copy(sample_dir()/'v2'/'clips'/f"{c['clip_uid']}.mp4", d/'v2'/'clips'/f'{uid}.mp4')
        c['clip_uid'] = uid
        for a in c['annotations']: a['annotation_uid'] = f"{i:02d}-{a['annotation_uid']}"
        videos.append(dict(v, video_uid=f"{i:02d}-{v['video_uid']}", clips=[c]))
    return dict(nlq, videos=videos)
