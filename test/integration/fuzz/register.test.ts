/** FUZZ-02 (test/support/fuzz-endpoints.ts): POST /register. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['POST /register']);
