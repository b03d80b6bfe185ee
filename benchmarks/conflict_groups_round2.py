"""Round 2 (2026-12-02): the twenty held-out articles (UNSEEN "new hold1".."new hold4" of conflict_eval.py) split
into group A and group B by the parity of the first hex digit of sha256("round2:" + source id) (even: A), and the
development, A and B lines computed as conflict_eval.py computes its subsets (a conflict or listed real conflict
counts in a group when it touches one of its articles).

    .venv/bin/python benchmarks/conflict_groups_round2.py [--details] [--unlabelled]

--details lists the development errors and misses that touch no group B article (the test split is never listed);
--unlabelled lists unlabelled development detections, naming only those that touch no group B article. Rules are
written from group A and the older development articles; group B is read only as these aggregate lines."""
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'benchmarks'))
sys.path.insert(0, str(ROOT))
import conflict_eval as ce  # noqa: E402
from loaders.project import Project  # noqa: E402

held = set().union(*(ce.UNSEEN[f'new hold{i}'] for i in range(1, 5)))
A = {s for s in held if int(hashlib.sha256(('round2:' + s).encode()).hexdigest()[0], 16) % 2 == 0}
B = held - A
ce.UNSEEN['group A'] = A
ce.UNSEEN['group B'] = B
scores = ce.score(Project(ROOT))
for name in ('development', 'group A', 'group B'):
    print(scores[name].line(name))
    print(f"{'':<12} precision by rule: " + ", ".join(f"{r} {t}/{c}" for r, (t, c) in sorted(scores[name].by_rule.items())))
src = lambda c: {c.split('/')[0]}
if '--details' in sys.argv:
    dev = scores['development']
    for conflict, entry in dev.wrong:
        if (src(conflict['claim_a']) | src(conflict['claim_b'])) & B: continue
        print(f"\nWRONG {conflict['id']} {conflict['rule']} got {conflict['severity']}, label {entry['label']} {entry['severity']}\n  {conflict['claim_a']} | {conflict['claim_b']}\n  {entry['reason']}")
    for real in dev.missed:
        if (src(real['claim_a']) | src(real['claim_b'])) & B: continue
        print(f"\nMISSED {real['label']}: {real['claim_a']} | {real['claim_b']}\n  {real['reason']}")
if '--unlabelled' in sys.argv:
    for c in scores['development'].unlabelled:
        tag = 'B-TOUCHING (not shown)' if (src(c['claim_a']) | src(c['claim_b'])) & B else ''
        print(f"\nUNLABELLED {c['id']} {c['rule']} {c['severity']} {tag}")
        if not tag: print(f"  {c['claim_a']} | {c['claim_b']}\n  {c['explanation']}")
