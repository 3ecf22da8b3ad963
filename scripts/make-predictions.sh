#!/usr/bin/env bash
# Regenerate Prediction/ from the four bundled models on a held-out phantom test set:
#
#   scripts/make-predictions.sh
#
# 1. a phantom test set of 120 subjects at mammogram size (1040x1820, as the training phantoms)
#    with its own seed (no subject shared with the training phantoms of
#    scripts/train-bundled-models.sh, which use seed 650), all in the `test` split;
# 2. `breast-density predict` with each bundled model: Prediction/predictions_{ccr,mlor,ccl,mlol}.txt
#    in the original format (numpy savetxt %.18e, columns A B C D, rows in class order; row i is
#    the same subject in every file) plus a CSV beside each (file, subject, probabilities);
# 3. Prediction/labels.txt (the true class of each row, one letter a line);
# 4. Prediction/metrics.txt: `breast-density metrics` on the four files (per view, side, exam).
set -euo pipefail
cd "$(dirname "$0")/.."

BD=(node bin/breast-density.js)
WORK=${WORK:-out/phantom1040}
TEST_DATA="$WORK/test"
# test/modelFiles/bundledModels.test.ts reads this line (and regenerates a sample of its subjects).
PHANTOM_CMD=(phantom --out "$TEST_DATA" --subjects 120 --seed 20261201 --size 1040x1820 --split 0,0,1)

if [ ! -f "$TEST_DATA/manifest.csv" ]; then
  echo "== phantom test data: breast-density ${PHANTOM_CMD[*]}"
  "${BD[@]}" "${PHANTOM_CMD[@]}" --overwrite
fi

mkdir -p Prediction
declare -A SHORT=([CC_R]=ccr [MLO_R]=mlor [CC_L]=ccl [MLO_L]=mlol)
declare -A MODEL=([CC_R]=CC_R_model [MLO_R]=models/MLO_R_model [CC_L]=models/CC_L_model [MLO_L]=models/MLO_L_model)
for proj in CC_R MLO_R CC_L MLO_L; do
  echo "== predict $proj with ${MODEL[$proj]}"
  "${BD[@]}" predict --model "${MODEL[$proj]}" --data "$TEST_DATA" --projection "$proj" --split test \
    --out "Prediction/predictions_${SHORT[$proj]}.txt"
done

# Labels, and a check that row i is the same subject in every file.
node - <<'EOF'
const fs = require('fs');
const read = (v) => fs.readFileSync(`Prediction/predictions_${v}.csv`, 'utf8').trim().split('\n');
const views = ['ccr', 'mlor', 'ccl', 'mlol'];
const tables = views.map(read);
const head = tables[0][0].split(',');
const subj = head.indexOf('subject');
const cls = head.indexOf('true_class');
const rows = tables.map((t) => t.slice(1).map((l) => l.split(',')));
for (let i = 0; i < rows[0].length; i++) {
  const s = rows.map((r) => `${r[i][subj]}/${r[i][cls]}`);
  if (new Set(s).size !== 1) throw new Error(`row ${i + 1}: different subjects across views: ${s}`);
}
fs.writeFileSync('Prediction/labels.txt', rows[0].map((r) => `${r[cls]}\n`).join(''));
console.log(`== Prediction/labels.txt: ${rows[0].length} subjects, same order in all four files`);
EOF

"${BD[@]}" metrics --labels Prediction/labels.txt --bootstrap 0 \
  --pred CC_R=Prediction/predictions_ccr.txt --pred MLO_R=Prediction/predictions_mlor.txt \
  --pred CC_L=Prediction/predictions_ccl.txt --pred MLO_L=Prediction/predictions_mlol.txt \
  | tee Prediction/metrics.txt
