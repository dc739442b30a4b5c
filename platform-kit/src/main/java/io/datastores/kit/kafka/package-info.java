/** Plain Kafka client helpers: topic creation at start-up. */
package io.datastores.kit.kafka;
