/** The data-plane simulator: the clouds, played from a seed. */
package io.datastores.simulator;
