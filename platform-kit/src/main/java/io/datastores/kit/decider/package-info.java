/** The decider contract shared by every service's domain: pure Java, no framework imports. */
package io.datastores.kit.decider;
