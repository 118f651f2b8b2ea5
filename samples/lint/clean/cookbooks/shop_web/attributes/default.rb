# A few attributes, all read (near-miss for ATTR001/ATTR002/ATTR006).
default['shop_web']['port'] = 8080
default['shop_web']['workers'] = node['cpu']['total'] # Ohai data: not ATTR009
default['shop_web']['tls']['enabled'] = true
