import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import { PemConverter, type X509Certificate } from '@peculiar/x509';
import { readCertificate } from './x509-certificate.js';

/** The files a directory contributes: its certificate files, in name order. */
const ANCHOR_FILE = /\.(pem|crt)$/i;

/** A configured path as the files it stands for: a file itself, a directory its `*.pem`/`*.crt`, a missing path none. */
function anchorFiles(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => ANCHOR_FILE.test(name))
      .sort()
      .map((name) => join(path, name));
  } catch {
    return [];
  }
}

/** What identifies a file's current content without reading it: nanosecond mtime, size and inode. */
function stampOf(file: string): string {
  try {
    const stat = statSync(file, { bigint: true });
    return `${file}:${stat.mtimeNs}:${stat.size}:${stat.ino}`;
  } catch {
    return `${file}:unreadable`;
  }
}

/** The certificates of one PEM file; an unreadable file, or one with any invalid block, contributes none (fail closed). */
function certificatesIn(file: string): X509Certificate[] {
  try {
    const blocks = PemConverter.decodeWithHeaders(readFileSync(file, 'utf8'));
    if (blocks.some((block) => block.type !== PemConverter.CertificateTag)) return [];
    return blocks.map((block) => readCertificate(block.rawData));
  } catch {
    return [];
  }
}

/**
 * X.509 trust anchors for PID issuers (seed 002 E-30), from PEM files and directories of
 * them, read again whenever a file or a directory listing changes, so that removing an anchor
 * stops acceptance at once (seed 002 E-40). Never throws: what cannot be read trusts nothing.
 */
export class X509Anchors {
  private loaded: { stamp: string; anchors: readonly X509Certificate[] } | undefined;

  constructor(private readonly paths: readonly string[]) {}

  current(): readonly X509Certificate[] {
    const files = this.paths.flatMap(anchorFiles);
    const stamp = files.map(stampOf).join('\n');
    if (this.loaded?.stamp !== stamp) this.loaded = { stamp, anchors: files.flatMap(certificatesIn) };
    return this.loaded.anchors;
  }
}
