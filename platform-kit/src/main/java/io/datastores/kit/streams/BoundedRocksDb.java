package io.datastores.kit.streams;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of a process: one block cache and one write-buffer budget
 * shared by all stores, instead of RocksDB's defaults per store (a 50 MB cache and up to three 16 MB
 * memtables each; a service has a few stores per partition, and window stores a few segments each).
 * Index and filter blocks count against the cache too. Set as {@code rocksdb.config.setter}; the
 * budget is {@value #TOTAL_CONFIG} (bytes, default {@value #DEFAULT_TOTAL}), of which a quarter may be
 * memtables.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    public static final String TOTAL_CONFIG = "dcp.rocksdb.memory.bytes";
    public static final long DEFAULT_TOTAL = 64L * 1024 * 1024;
    private static final double INDEX_AND_FILTER_SHARE = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    private static synchronized void share(long total) {
        if (cache == null) {
            cache = new LRUCache(total, -1, false, INDEX_AND_FILTER_SHARE);
            writeBuffers = new WriteBufferManager(total / 4, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object total = configs.get(TOTAL_CONFIG);
        share(total == null ? DEFAULT_TOTAL : Long.parseLong(total.toString()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer budget are the process's, shared by every store: never closed here
    }
}
