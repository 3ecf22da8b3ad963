/**
 * Write the README.md of a trained model directory from its metadata (the whole `--init` chain)
 * and its `history.csv`:
 *
 *   node --import tsx scripts/write-model-readme.ts DIR TITLE DATA_COMMAND...
 *
 * Used by scripts/train-bundled-models.sh for the bundled models. Exit codes: 0 written,
 * 1 bad arguments or a model directory without training metadata or history.
 */
import * as fs from 'fs';
import * as path from 'path';
import { errorMessage } from '../lib/errors';
import { writeFileAtomic } from '../lib/io/atomicWrite';
import { readModelMetadata } from '../lib/modelFiles/loadDensityModel';
import { formatModelReadme } from '../lib/train/formatModelReadme';
import { HISTORY_CSV, parseHistoryCsv } from '../lib/train/trainingHistory';

const [dir, title, ...dataCommands] = process.argv.slice(2);
try {
  if (!dir || !title || dataCommands.length === 0) {
    throw new Error('usage: write-model-readme.ts DIR TITLE DATA_COMMAND...');
  }
  const csv = path.join(dir, HISTORY_CSV);
  const text = formatModelReadme(readModelMetadata(dir), {
    title,
    dataCommands,
    history: parseHistoryCsv(fs.readFileSync(csv, 'utf8'), csv),
    script: 'scripts/train-bundled-models.sh',
    footer:
      'Test accuracy on held-out phantom subjects: `Prediction/metrics.txt` and the table in `docs/training.md` ("The bundled models").',
  });
  writeFileAtomic(path.join(dir, 'README.md'), text);
  console.log(`${path.join(dir, 'README.md')} written`);
} catch (err) {
  console.error(`write-model-readme: ${errorMessage(err)}`);
  process.exit(1);
}
