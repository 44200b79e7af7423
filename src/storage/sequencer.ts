/**
 * S3 event sequencers order events for the same key: hex strings of varying length,
 * compared after right-padding with zeros (AWS S3 event notification docs).
 * @example compareSequencers('0A1', '0A10') // 0
 */
export const compareSequencers = (a: string, b: string): number => {
  const length = Math.max(a.length, b.length);
  const left = a.toUpperCase().padEnd(length, '0');
  const right = b.toUpperCase().padEnd(length, '0');
  return left < right ? -1 : left > right ? 1 : 0;
};
