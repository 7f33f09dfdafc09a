/** Attribute names of the single Longform table's primary key (DESIGN §4); the stack and local runtime use the same. */
export const PARTITION_KEY = 'pk';
/** Sort key attribute name. */
export const SORT_KEY = 'sk';
/** TTL attribute: epoch seconds after which DynamoDB may delete a finished job. */
export const TTL_ATTRIBUTE = 'expiresAt';
