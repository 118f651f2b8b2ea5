node.default['db']['client']['timeout'] = 30.5
# Also set by recipes/server.rb: moving either would change the other's nodes.
node.default['db']['port'] = 6432
package 'postgresql-client'
