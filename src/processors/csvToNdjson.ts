import { RejectionError } from '../errors.js';
import type { ProcessorModule } from './types.js';

const processor: ProcessorModule = {
  name: 'csvToNdjson',
  version: '0.0.0',
  process: async () => {
    throw new RejectionError('csvToNdjson: not built yet');
  },
};
export default processor;
