# ATTR001 attributes-file-too-large: 28 assignments (threshold 25).
# ATTR002 attributes-outnumber-resources: far more attributes than resources.
default['legacy_app']['user'] = 'legacy'
default['legacy_app']['group'] = 'legacy'
default['legacy_app']['home'] = '/opt/legacy'
default['legacy_app']['version'] = '2.3.1'
default['legacy_app']['checksum'] = 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c'
default['legacy_app']['port'] = 8080
default['legacy_app']['bind'] = '0.0.0.0'
default['legacy_app']['workers'] = 4
default['legacy_app']['threads'] = 16
default['legacy_app']['log_dir'] = '/var/log/legacy'
default['legacy_app']['log_level'] = 'info'
default['legacy_app']['pid_file'] = '/run/legacy.pid'
default['legacy_app']['db']['host'] = 'db.shop.internal'
default['legacy_app']['db']['port'] = 5432
default['legacy_app']['db']['name'] = 'legacy'
default['legacy_app']['db']['user'] = 'legacy'
default['legacy_app']['db']['pool'] = 10
default['legacy_app']['cache']['enabled'] = true
default['legacy_app']['cache']['size_mb'] = 256
default['legacy_app']['logrotate']['days'] = 14
default['legacy_app']['logrotate']['compress'] = true
default['legacy_app']['features']['legacy_mode'] = false
default['legacy_app']['java_opts'] = '-Xmx1g'
default['legacy_app']['ulimit'] = 65_536
# ATTR009 derived-attribute: computed from another attribute at load time.
default['legacy_app']['url'] = "http://#{default['legacy_app']['bind']}:#{default['legacy_app']['port']}"
# Reading Ohai data here is fine (not ATTR009).
default['legacy_app']['heap_mb'] = node['memory']['total'].to_i / 2048
# ATTR008 data-bag-in-attributes.
default['legacy_app']['db']['password'] = data_bag_item('secrets', 'legacy_db')['password']
# ATTR006 unused-attribute: nothing reads this.
default['legacy_app']['unused_knob'] = 'never read'
