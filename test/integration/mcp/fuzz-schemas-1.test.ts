/** FUZZ-01 (test/support/fuzz-schemas.ts): share 0, the registry's 1st, 3rd, 5th, … tool (create_instance among them). */
import { fuzzSchemas } from '../../support/fuzz-schemas.js';

fuzzSchemas(0);
