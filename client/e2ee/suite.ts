// One definition of the platform's suite for the server and the client library.
export { MLS_CIPHER_SUITE, mlsSuite } from "../../shared/e2ee/suite";
