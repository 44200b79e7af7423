import { RejectionError } from '../errors.js';
import type { ProcessorModule } from './types.js';

const processor: ProcessorModule = {
  name: 'imageThumbnails',
  version: '0.0.0',
  process: async () => {
    throw new RejectionError('imageThumbnails: not built yet');
  },
};
export default processor;
