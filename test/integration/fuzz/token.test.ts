/** FUZZ-02 (test/support/fuzz-endpoints.ts): POST /token, POST /revoke. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['POST /token', 'POST /revoke']);
