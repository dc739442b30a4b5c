/** The benchmark harness: each benchmark runs on a real (embedded KRaft) broker and reports its figures. */
package io.datastores.bench;
