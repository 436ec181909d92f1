"""Where kvstore keeps an item in a layout-2 DynamoDB table (docs/scale.md),
as another tool computes it: the partition key attribute names the layout, and
a named object's partition is spread over shards by FNV-1a of its name."""

SHARDS = 8  # create-table's default
PARTITION_ATTR = "pk.v2.s%d" % SHARDS


def fnv1a(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def key(partition, sort):
    """The DynamoDB key of kvstore's item (partition, sort): partitions with no
    '/' (keys "k", set headers "sh"...) are spread; an object's own ("s/SET") is not."""
    if "/" not in partition:
        partition = "%s#%d" % (partition, fnv1a(sort.encode()) % SHARDS)
    return {PARTITION_ATTR: {"S": partition}, "sk": {"S": sort}}
