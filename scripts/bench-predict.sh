#!/usr/bin/env bash
# End-to-end `breast-density predict` at full resolution: a seeded random 650×650 model and
# 120 phantom images (30 subjects × 4 views at 1000×1700), timed with peak RSS (GNU time), on
# the default engine and, for comparison, DENSITY_ENGINE=tfjs. Usage:
#   bash scripts/bench-predict.sh [WORK_DIR] [SIZE]
# Prints one line per engine: seconds, images/s, peak RSS MB. Nothing is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-out/bench-predict}
size=${2:-650}
mkdir -p "$work"
if [ ! -f "$work/model/model.json" ]; then
  node --import tsx -e "
    const { initBackend, createDensityModel, saveDensityModel, createModelMetadata } = require('./lib');
    (async () => {
      await initBackend({ report: null });
      const m = createDensityModel({ inputSize: $size, seed: 1 });
      await saveDensityModel(m, '$work/model', createModelMetadata([$size, $size], { createdBy: 'scripts/bench-predict.sh (random weights)' }, 'CC_R'));
    })();"
fi
if [ ! -f "$work/data/manifest.csv" ]; then
  node bin/breast-density.js phantom --out "$work/data" --subjects 30 --seed 7 --size 1000x1700 --split 0,0,1
fi
for engine in onnx tfjs; do
  /usr/bin/time -f '%e %M' -o "$work/time.txt" env DENSITY_ENGINE=$engine \
    node bin/breast-density.js predict --model "$work/model" --image $(find "$work/data" -path '*/test/*' -name '*.png' ! -path '*/masks/*' | sort) \
    --out "$work/p_$engine.txt" >/dev/null 2>"$work/stderr_$engine.txt" || true
  read -r secs kb < "$work/time.txt"
  n=$(wc -l < "$work/p_$engine.txt" 2>/dev/null || echo 0)
  echo "engine $engine: $n images in ${secs} s ($(awk "BEGIN{printf \"%.2f\", $n/$secs}") images/s), peak RSS $((kb / 1024)) MB"
done
