default['search']['heap'] = '2g'
# ATTR003 / ATTR004: `java` written here and in shop_nginx.
default['java']['jdk_version'] = '11'
