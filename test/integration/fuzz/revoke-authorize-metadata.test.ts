/** FUZZ-02 (test/support/fuzz-endpoints.ts): POST /revoke, GET /authorize, GET /.well-known/*. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['POST /revoke', 'GET /authorize', 'GET /.well-known/*']);
