"""OSS: buckets and objects on the state layer, local folder mounts, and the OSS HTTP blueprint."""
