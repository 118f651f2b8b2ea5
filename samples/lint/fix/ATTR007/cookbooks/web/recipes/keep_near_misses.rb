# Nothing here is a plain top-level literal setting: the fix leaves the file alone.
node.default['web']['root'] = File.join('/srv', 'www')
node.default['web'][node['web']['site']] = true
node.default['web']['started_at'] = Time.now.to_i
node.set['web']['legacy'] = true
%w(a b).each do |site|
  node.default['web']['sites'][site] = true
end
node.default['web']['mode'] = 'fast' unless node['web']['slow']
x = 1; node.default['web']['inline'] = 2
node.default['web']['safe'] &&= false
node.default&.[]=('web', 1)
