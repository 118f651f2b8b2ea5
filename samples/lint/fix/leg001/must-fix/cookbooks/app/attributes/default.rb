default['app']['user'] = 'app'
set['app']['port'] = 8080
set_unless['app']['workers'] = 4
