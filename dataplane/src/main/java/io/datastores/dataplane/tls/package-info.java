/** The stack's certificate authority and each instance's server certificate. */
package io.datastores.dataplane.tls;
