"""Who is on the broker and what each may touch: the participants file, the ACLs derived
from it, and the one place every Kafka client of the hub gets its security settings."""
