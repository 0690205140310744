/** FUZZ-01 (test/support/fuzz-schemas.ts): share 1, the registry's 2nd, 4th, 6th, … tool (create_app among them). */
import { fuzzSchemas } from '../../support/fuzz-schemas.js';

fuzzSchemas(1);
