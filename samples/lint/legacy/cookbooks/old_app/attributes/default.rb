# OPS002 hard-coded-ip: use an internal DNS name.
default['old_app']['db_host'] = '10.0.12.34'
# OPS003 secret-literal.
default['old_app']['db_password'] = 'hunter2-but-longer'
# Fine: the documentation range, a DNS name, loopback.
default['old_app']['example_peer'] = '192.0.2.10'
default['old_app']['cache_host'] = 'cache.shop.internal'
default['old_app']['bind'] = '127.0.0.1'
