# Nothing here is a plain top-level literal setting: the fix leaves the file alone.
node.default['web_extra']['root'] = File.join('/srv', 'www')
node.default['web_extra'][node['web_extra']['site']] = true
node.default['web_extra']['started_at'] = Time.now.to_i
node.set['web_extra']['legacy'] = true
%w(a b).each do |site|
  node.default['web_extra']['sites'][site] = true
end
node.default['web_extra']['mode'] = 'fast' unless node['web_extra']['slow']
x = 1; node.default['web_extra']['inline'] = 2
node.default['web_extra']['safe'] &&= false
node.default&.[]=('web_extra', 1)
