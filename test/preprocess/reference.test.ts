/**
 * The pipeline on the original use case's preprocessed sample images (../shared/reference, not
 * in the repository; skipped when absent). They are already cropped, oriented and, in MLO,
 * without the muscle, so the pipeline must leave them as they are: keep the orientation, keep
 * the tissue gray levels, find no muscle (and say so) and segment the breast against their dark
 * background.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import { diceCoefficient, largestComponent, preprocessFile, toInputFrame } from '../../lib/preprocess';
import { referencePath, referenceSkip } from '../helpers/reference';

const FILES = [
  'CC_L/test/D/1302_1_D_CC_L.png',
  'CC_R/test/B/1103_1_B_CC_R.png',
  'MLO_L/test/B/111_1_B_MLO_L.png',
  'MLO_R/test/D/1302_1_D_MLO_R.png',
];

test(
  'original sample images go through unchanged in orientation and tissue',
  { skip: referenceSkip('original-testset') },
  () => {
    for (const rel of FILES) {
      const file = referencePath('original-testset', rel);
      const { result, decoded, name } = preprocessFile(fs.readFileSync(file), file);
      const side = rel.endsWith('_R.png') ? 'right' : 'left';
      assert.equal(result.chestWall.side, side, rel);
      assert.equal(result.chestWall.confident, true, rel);
      assert.equal(result.transform.flipped, false, rel);
      assert.equal(name.cls, rel.split('/')[2], rel);
      // Background of these images is dark but not always 0 (up to ~20): tissue is well above 40.
      const g = decoded.gray;
      const bright = largestComponent({
        width: g.width,
        height: g.height,
        data: g.data.map((v) => (v > 40 ? 1 : 0)),
      }).mask;
      const dice = diceCoefficient(toInputFrame(result.breastMask, result.transform), bright);
      assert.ok(dice >= 0.97, `${rel}: Dice ${dice}`);
      // Tissue gray levels untouched.
      const { box } = result.transform;
      for (let y = 0; y < result.image.height; y += 7) {
        for (let x = 0; x < result.image.width; x += 7) {
          const i = y * result.image.width + x;
          if (result.breastMask.data[i])
            assert.equal(
              result.image.data[i],
              g.data[(y + box.y0) * g.width + x + box.x0],
              `${rel} (${x},${y})`,
            );
        }
      }
      if (rel.startsWith('MLO')) {
        assert.equal(result.pectoral?.found, false, rel);
        assert.equal(result.flagged, true, rel);
        assert.match(result.pectoral?.message ?? '', /not brighter than the breast/, rel);
      } else assert.equal(result.pectoral, null, rel);
    }
  },
);
