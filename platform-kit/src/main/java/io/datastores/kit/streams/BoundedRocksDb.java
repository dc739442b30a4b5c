package io.datastores.kit.streams;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds the memory of a service's RocksDB stores: one block cache shared by every store of the
 * process ({@value #CACHE_CONFIG} bytes, default {@value #DEFAULT_CACHE}) instead of RocksDB's 50 MB
 * per store, and at most two memtables of {@value #MEMTABLE_CONFIG} bytes (default 2 MB) per store instead
 * of three of 16 MB. A service has a few stores per partition (window stores a few segments each),
 * some twenty to thirty RocksDB instances, so the defaults add up to gigabytes; with 8 MB memtables a
 * 100,000-instance backlog still filled some 200 MB of them. A block cache miss costs a read from the
 * operating system's page cache, which is not the process's memory; the stores are small, so a small
 * cache costs little.
 * <p>
 * A process-wide write-buffer budget ({@code WriteBufferManager}) was tried and measured: with some
 * forty stores sharing 16 MB, memtables flush tiny files and compaction takes the CPU (a projection
 * rebuild fell from 8,200 to 3,100 events/s), so it is not used. Index and filter blocks stay out of
 * the cache for the same reason (14 % slower); they are small for stores of this size.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    public static final String CACHE_CONFIG = "dcp.rocksdb.cache.bytes";
    public static final long DEFAULT_CACHE = 32L * 1024 * 1024;
    public static final String MEMTABLE_CONFIG = "dcp.rocksdb.memtable.bytes";
    static final long DEFAULT_MEMTABLE = 2L * 1024 * 1024;

    private static Cache cache;

    private static synchronized Cache shared(long bytes) {
        if (cache == null) {
            cache = new LRUCache(bytes);
        }
        return cache;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object bytes = configs.get(CACHE_CONFIG);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared(bytes == null ? DEFAULT_CACHE : Long.parseLong(bytes.toString())));
        options.setTableFormatConfig(table);
        Object memtable = configs.get(MEMTABLE_CONFIG);
        options.setWriteBufferSize(memtable == null ? DEFAULT_MEMTABLE : Long.parseLong(memtable.toString()));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache is the process's, shared by every store: never closed here
    }
}
