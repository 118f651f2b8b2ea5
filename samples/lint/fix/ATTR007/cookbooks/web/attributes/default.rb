default['web']['port'] = 80
default['web']['user'] = 'www-data'
