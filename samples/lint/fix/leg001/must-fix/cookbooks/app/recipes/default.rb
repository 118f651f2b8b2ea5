# Legacy state tracking, written for Chef 11.
node.set['app']['installed'] = true
node.set_unless['app']['secret'] = 'changeme-later'
node.set['app']['ports'] ||= [80, 443]
node.set['app']['nested']['deep'] = { 'a' => 1 }

if node['app']['installed']
  node.set['app']['last_run'] = Time.now.to_i; node.set['app']['runs'] = 1
end

package 'app'
