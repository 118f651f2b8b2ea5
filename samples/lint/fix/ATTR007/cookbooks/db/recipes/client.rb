node.default['db']['client']['timeout'] = 30.5
package 'postgresql-client'
