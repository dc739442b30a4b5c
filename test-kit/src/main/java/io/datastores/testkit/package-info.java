/** Test support shared by the modules: a real broker, the real registry, service processes. */
package io.datastores.testkit;
