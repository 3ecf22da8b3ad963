/**
 * The pipeline's intermediate images as PNGs, for notebooks: a raw file going through each step.
 */
import { encodePng } from '../io/png';
import { preprocessFile, type PreprocessFileOptions } from './preprocessFile';

/** One step's picture. */
export interface PreprocessStep {
  /** What the step did. */
  name: string;
  /** 8-bit gray PNG of the image (or mask: 0/255) after the step. */
  png: Buffer;
}

/**
 * Run one file through the pipeline and return the image after each step: the 8-bit display
 * image, the breast mask, the crop with the background removed, the pectoral mask (MLO) and the
 * final network-ready image.
 * @param bytes DICOM or PNG file contents (e.g. `createRawPhantom(...).dicom`).
 * @param name File name (view and side come from DICOM tags, else from the name).
 * @param options View/side overrides.
 * @returns The steps in order, each with a PNG Buffer.
 */
export function preprocessSteps(
  bytes: Uint8Array,
  name: string,
  options: Omit<PreprocessFileOptions, 'keepSteps'> = {},
): PreprocessStep[] {
  const { result } = preprocessFile(bytes, name, { ...options, keepSteps: true });
  return (result.steps ?? []).map((s) => ({
    name: s.name,
    png: encodePng({
      width: s.image.width,
      height: s.image.height,
      channels: 1,
      bitDepth: 8,
      data: s.image.data,
    }),
  }));
}
