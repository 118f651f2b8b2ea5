# ATTR003 foreign-attribute-write: a wrapper overriding the nginx cookbook's attributes.
override['nginx']['worker_processes'] = 4
override['nginx']['client_max_body_size'] = '20m'
override['nginx']['default_site_enabled'] = false
# ATTR003 and ATTR004 shared-attribute-namespace: `java` is also written by `search`.
default['java']['jdk_version'] = '17'
