import * as path from 'path';
import { CLASS_NAMES, isProjection, type Projection } from '../model/constants';
import type { ImageRef } from './imageRef';
import { parseImageName } from './parseImageName';

/** What the folders of a dataset listing already established about a file. */
export interface ImageFolderFacts {
  /** Class folder the file was found in (`<dir>/<class>/…`), or null. */
  className: string | null;
  /** Projection of the layout (`<root>/<PROJECTION>/…` or the option), or null. */
  projection: Projection | null;
}

/** Options of {@link parseImagePath}. */
export interface ParseImagePathOptions {
  /** Name for outputs ({@link ImageRef.name}). Default: the path as given. */
  name?: string;
  /** Class names a class folder may have. Default {@link CLASS_NAMES}. */
  classNames?: readonly string[];
  /**
   * The folder facts when the caller knows them (dataset listings: the class folder may be a
   * grand-parent, the projection may come from an option). Default: read from the path — the
   * parent folder when it is a class name (exact case, as Keras' class folders), the nearest
   * ancestor folder named `CC_L`, `CC_R`, `MLO_L` or `MLO_R`.
   */
  folder?: ImageFolderFacts;
  /** Called with one line per disagreement between the folders and the file name. Default: none. */
  warn?: (line: string) => void;
}

/**
 * The one file-name/folder parser of the project: what a path says about an image.
 *
 * Decision — **the folder wins**. When the folders and an original-style file name
 * (`<subject>_<n>_<class>_<projection>.png`) disagree, the class folder gives the true class
 * and the projection folder gives the projection, because the folders are what Keras'
 * `flow_from_directory` (and so the original training and evaluation) labels images by; the
 * name only fills in what no folder says, and each disagreement is reported through `warn`.
 * - `CC_R/test/A/123_1_B_CC_R.png` → class A (folder; warning: the name says B), projection CC_R.
 * - `MLO_L/A/img_1.png` → class A, projection MLO_L (folder), no subject.
 * - `x/124_1_a_MLO_L.png` → class A (name, any case), projection MLO_L, subject 124.
 *
 * @param file Image path (relative to the working directory or absolute).
 * @param options Output name, class names, known folder facts, warning callback.
 * @returns The reference, with an absolute `path`. Nothing is read from disk.
 */
export function parseImagePath(file: string, options: ParseImagePathOptions = {}): ImageRef {
  const abs = path.resolve(file);
  const name = options.name ?? file;
  const classNames = options.classNames ?? CLASS_NAMES;
  const parsed = parseImageName(path.basename(abs));
  const folder = options.folder ?? folderFacts(abs, classNames);
  const nameClass = parsed ? parsed.className.toUpperCase() : null;
  const nameClassKnown = nameClass !== null && classNames.includes(nameClass) ? nameClass : null;
  if (folder.className && nameClassKnown && folder.className !== nameClassKnown) {
    options.warn?.(
      `${name}: the class folder says ${folder.className}, the file name says ${nameClassKnown}; using the folder (${folder.className})`,
    );
  }
  if (folder.projection && parsed && folder.projection !== parsed.projection) {
    options.warn?.(
      `${name}: the projection folder says ${folder.projection}, the file name says ${parsed.projection}; using the folder (${folder.projection})`,
    );
  }
  return {
    path: abs,
    name,
    trueClass: folder.className ?? nameClassKnown,
    projection: folder.projection ?? parsed?.projection ?? null,
    subject: parsed?.subject ?? null,
  };
}

/** Class and projection folders of an absolute path, as {@link parseImagePath} reads them. */
function folderFacts(abs: string, classNames: readonly string[]): ImageFolderFacts {
  const dirs = path.dirname(abs).split(path.sep);
  const parent = dirs[dirs.length - 1] ?? '';
  return {
    className: classNames.includes(parent) ? parent : null,
    projection: dirs.filter(isProjection).pop() ?? null,
  };
}
