/** FUZZ-02 (test/support/fuzz-endpoints.ts): POST /register, POST /token. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['POST /register', 'POST /token']);
