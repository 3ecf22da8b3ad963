import type { Command } from 'commander';
import * as path from 'path';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import {
  preprocessDirectory,
  PREPROCESS_REPORT_NAME,
  type PreprocessReport,
} from '../../preprocess/preprocessDirectory';

function formatReport(report: PreprocessReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    if (f.status === 'ok' || f.status === 'flagged') {
      const p = f.pectoral;
      const muscle = p
        ? p.found
          ? `, muscle ${(100 * p.areaFraction).toFixed(1)} % replaced by gray ${p.replacementGray}`
          : ', muscle NOT removed'
        : '';
      const crop = f.crop
        ? `crop ${f.crop.x1 - f.crop.x0}x${f.crop.y1 - f.crop.y0} at (${f.crop.x0},${f.crop.y0})`
        : '';
      lines.push(
        `${f.status === 'ok' ? 'ok     ' : 'FLAGGED'} ${f.input} -> ${f.output}: ${f.source} ${f.display?.method}${f.display?.inverted ? ' inverted' : ''}, ${crop}${f.flipped ? ', mirrored' : ''}${muscle}`,
      );
      if (f.status === 'flagged') lines.push(`        ${f.message}`);
    } else {
      lines.push(`${f.status === 'skipped' ? 'skipped' : 'ERROR  '} ${f.input}: ${f.message}`);
    }
  }
  const c = report.counts;
  lines.push(
    `${c.ok + c.flagged} written (${c.flagged} flagged for a look), ${c.skipped} skipped, ${c.error} errors; report ${path.join(report.outDir, PREPROCESS_REPORT_NAME)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `breast-density preprocess --in DIR --out DIR`: DICOM/PNG mammograms to network-ready PNGs. */
export function registerPreprocessCommand(program: Command): void {
  program
    .command('preprocess')
    .description(
      'Prepare mammograms as the original authors did: DICOM/PNG to 8 bits (window, MONOCHROME1), background removal, crop at the skin line, chest wall right for R and left for L, pectoral muscle replaced by the mean breast gray in MLO. Writes <out>/<VIEW>_<SIDE>/[<split>/][<class>/]<patient>_<n>[_<class>]_<VIEW>_<SIDE>.png and <out>/preprocess-report.json.',
    )
    .requiredOption('--in <dir>', 'input directory (searched recursively for .dcm and .png files)')
    .requiredOption('--out <dir>', 'output root directory')
    .option('--split <name>', 'insert a split folder after the projection (train, val, test)')
    .option(
      '--keep-going',
      'record bad files in the report and go on (default: stop at the first, writing nothing)',
    )
    .option('--json', 'print the JSON report instead of the summary')
    .action(
      async (opts: {
        in: string;
        out: string;
        split?: string;
        keepGoing?: boolean;
        json?: boolean;
      }) => {
        ensureOutputDir(opts.out, { removeOnFailure: true }); // removed again if the run fails
        const report = await preprocessDirectory({
          inDir: opts.in,
          outDir: opts.out,
          split: opts.split ?? null,
          keepGoing: opts.keepGoing === true,
          progress: 'auto',
        });
        process.stdout.write(
          opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
        );
      },
    );
}
