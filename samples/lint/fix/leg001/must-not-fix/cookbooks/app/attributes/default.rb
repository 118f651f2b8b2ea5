default['app']['user'] = 'app'
normal['app']['port'] = 8080
